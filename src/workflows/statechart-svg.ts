import type { AnyStateMachine } from 'xstate';

/**
 * The statechart drawn as an SVG on the server (no client script), from the machine
 * definition itself: its states (top-level ones in rows, the children of a compound
 * state side by side inside its box) and its transitions. The current state is
 * highlighted; the transitions this user may take now (the caller passes the
 * allowed event types: the machine's and the policy's answer) are drawn strong and
 * labelled, and their targets marked. Every text is escaped here: the result is
 * meant for a triple-stash in a template.
 */

export interface StatechartOptions {
  /** Dotted path of the current state, e.g. `mediation.inProgress`. */
  current: string;
  /** Event types this user may send now. */
  allowedEvents: readonly string[];
  stateLabel: (path: string) => string;
  eventLabel: (type: string) => string;
  /** Accessible name and description of the picture. */
  title: string;
  description: string;
  /** The way the case came (its state-changing events, oldest first): visited states and taken steps drawn, numbered. */
  path?: readonly PathStep[];
}

/** One step the case took: the event, and the states before and after it. */
export interface PathStep {
  event: string;
  from: string;
  to: string;
}

interface StateNodeLike {
  id: string;
  key: string;
  type: string;
  states: Record<string, StateNodeLike>;
  on: Record<string, Array<{ eventType: string; target?: ReadonlyArray<{ id: string }> }>>;
}

interface Box {
  path: string;
  x: number;
  y: number;
  width: number;
  height: number;
  compound: boolean;
  row: number;
}

interface Edge {
  from: string;
  to: string;
  events: string[];
  next: boolean;
  /** The numbers (1-based, in order) of the case's steps along this edge. */
  steps: number[];
}

// narrow enough to sit beside the actions on a desk (the side column: about 450 px at 1280) unscaled
// (app.css keeps it from being drawn narrower, so no text falls under 12.5 px; a phone scrolls it)
const width = 440;
const nodeHeight = 42;
const rowGap = 42;
const headerHeight = 24;
const padding = 10;
const laneWidth = 9;
const sideMargin = 60;
const nodeFontSize = 14;
/**
 * No text under 12.5 user units: the picture is never drawn narrower than its own width (app.css:
 * `min-width` with a scrolling figure), so a unit is at least a CSS pixel at 100 % zoom.
 */
const minFontSize = 12.5;
const labelFontSize = 12.5;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A rough width for a label: CJK characters are square, Latin ones about 0.6 em. */
function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const char of text) units += /[\u2e80-\uffff]/.test(char) ? 1 : 0.6;
  return units * fontSize;
}

/** A label in at most two lines that fit `maxWidth`: at a space for words, in the middle for Chinese. */
function wrap(label: string, maxWidth: number, fontSize: number): string[] {
  if (textWidth(label, fontSize) <= maxWidth) return [label];
  const words = label.split(' ');
  if (words.length > 1) {
    let best: string[] = [label];
    let bestWidth = Number.POSITIVE_INFINITY;
    for (let cut = 1; cut < words.length; cut++) {
      const lines = [words.slice(0, cut).join(' '), words.slice(cut).join(' ')];
      const widest = Math.max(...lines.map((line) => textWidth(line, fontSize)));
      if (widest < bestWidth) [best, bestWidth] = [lines, widest];
    }
    return best;
  }
  const chars = [...label];
  const half = Math.ceil(chars.length / 2);
  return [chars.slice(0, half).join(''), chars.slice(half).join('')];
}

/** The largest font size (at most the node size, never under the legible minimum) at which every line fits. */
function fitFontSize(lines: string[], maxWidth: number): number {
  const widest = Math.max(...lines.map((line) => textWidth(line, 1)));
  return Math.max(minFontSize, Math.min(nodeFontSize, (maxWidth / Math.max(widest, 1)) * 0.98));
}

function pathOf(node: StateNodeLike, rootId: string): string {
  return node.id === rootId ? '' : node.id.slice(rootId.length + 1);
}

/** Rows of boxes: one row per top-level state; a compound state's children sit in a row inside it. */
function layout(root: StateNodeLike): Map<string, Box> {
  const boxes = new Map<string, Box>();
  let y = 10;
  Object.values(root.states).forEach((state, row) => {
    const path = pathOf(state, root.id);
    const children = Object.values(state.states);
    if (children.length === 0) {
      const boxWidth = 180;
      boxes.set(path, {
        path,
        x: (width - boxWidth) / 2,
        y,
        width: boxWidth,
        height: nodeHeight,
        compound: false,
        row,
      });
      y += nodeHeight + rowGap;
      return;
    }
    const outerWidth = width - 2 * sideMargin;
    const height = headerHeight + nodeHeight + padding;
    boxes.set(path, { path, x: sideMargin, y, width: outerWidth, height, compound: true, row });
    const gap = 10;
    const childWidth = (outerWidth - 2 * padding - gap * (children.length - 1)) / children.length;
    children.forEach((child, index) => {
      const childPath = pathOf(child, root.id);
      boxes.set(childPath, {
        path: childPath,
        x: sideMargin + padding + index * (childWidth + gap),
        y: y + headerHeight,
        width: childWidth,
        height: nodeHeight,
        compound: false,
        row,
      });
    });
    y += height + rowGap;
  });
  return boxes;
}

/** Transitions with a target, merged per (source, target); self-transitions (no target) listed apart. */
function collectEdges(root: StateNodeLike, options: StatechartOptions) {
  const activePaths = new Set<string>();
  const parts = options.current.split('.');
  for (let index = 1; index <= parts.length; index++) activePaths.add(parts.slice(0, index).join('.'));

  const edges = new Map<string, Edge>();
  const stayingEvents: string[] = [];
  const visit = (node: StateNodeLike) => {
    const from = pathOf(node, root.id);
    for (const [eventType, transitions] of Object.entries(node.on ?? {})) {
      for (const transition of transitions) {
        const allowedHere = activePaths.has(from) && options.allowedEvents.includes(eventType);
        const targets = transition.target ?? [];
        if (targets.length === 0) {
          if (allowedHere && !stayingEvents.includes(eventType)) stayingEvents.push(eventType);
          continue;
        }
        for (const target of targets) {
          const to = target.id.slice(root.id.length + 1);
          const key = `${from}→${to}`;
          const edge = edges.get(key) ?? { from, to, events: [], next: false, steps: [] };
          if (!edge.events.includes(eventType)) edge.events.push(eventType);
          edge.next ||= allowedHere;
          edges.set(key, edge);
        }
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(root);
  return { edges: [...edges.values()], stayingEvents, activePaths };
}

function point(x: number, y: number) {
  return `${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`;
}

/** Where an edge runs and where its label sits: its route depends on where its ends lie. */
interface EdgeRoute {
  d: string;
  labelAt: { x: number; y: number };
  /** Where the line leaves its state: the numbers of the case's steps along it sit there. */
  start: { x: number; y: number };
}

/** Counts per box of the edges leaving and entering it, and the lanes taken at the margins. */
interface Routing {
  leftLanes: Edge[];
  rightLanes: Edge[];
  entries: Map<string, number>;
  exits: Map<string, number>;
}

function routeOf(edge: Edge, from: Box, to: Box, routing: Routing): EdgeRoute {
  // where each edge leaves and enters: spread along the sides so that lines do not coincide
  const exitIndex = routing.exits.get(edge.from) ?? 0;
  routing.exits.set(edge.from, exitIndex + 1);
  const entryIndex = routing.entries.get(edge.to) ?? 0;
  routing.entries.set(edge.to, entryIndex + 1);

  if (from.row === to.row) {
    // siblings inside one compound state: an arc above (forwards) or below (backwards)
    const forwards = from.x < to.x;
    const startX = from.x + from.width / 2 + (forwards ? 12 : -12);
    const endX = to.x + to.width / 2 + (forwards ? -12 : 12);
    const y = forwards ? from.y : from.y + from.height;
    const bend = forwards ? -18 - exitIndex * 4 : 18 + exitIndex * 4;
    const midX = (startX + endX) / 2;
    return {
      d: `M${point(startX, y)} Q${point(midX, y + bend * 1.6)} ${point(endX, y)}`,
      labelAt: { x: midX, y: y + bend * 0.9 },
      // on the arc's apex, clear of the boxes' names
      start: { x: midX, y: y + bend * 0.8 },
    };
  }
  if (to.row === from.row + 1 && !from.compound) {
    // down to the next row: a straight line, bottom to top
    const startX = from.x + from.width / 2 + (exitIndex % 2 === 0 ? -1 : 1) * Math.ceil(exitIndex / 2) * 14;
    const endX = to.compound ? startX : to.x + to.width / 2 + (entryIndex % 2 === 0 ? 0 : 14);
    const startY = from.y + from.height;
    const endY = to.y;
    // the label sits low on the line, clear of the labels of arcs under the row above
    return {
      d: `M${point(startX, startY)} L${point(endX, endY)}`,
      labelAt: { x: startX + (endX - startX) * 0.65, y: startY + (endY - startY) * 0.65 },
      start: { x: startX + (endX - startX) * 0.3, y: startY + (endY - startY) * 0.3 },
    };
  }
  if (to.row > from.row) {
    // down past other rows: out to the left margin, down, and back in
    const lane = 12 + routing.leftLanes.length * laneWidth;
    routing.leftLanes.push(edge);
    const startY = from.y + from.height / 2 + exitIndex * 4;
    const endY = to.y + 8 + (entryIndex % 4) * 7;
    return {
      d: `M${point(from.x, startY)} L${point(lane, startY)} L${point(lane, endY)} L${point(to.x, endY)}`,
      labelAt: { x: lane + 44, y: (startY + endY) / 2 },
      start: { x: lane, y: (startY + endY) / 2 },
    };
  }
  // upwards: out to the right margin, up, and in from above
  const lane = width - 12 - routing.rightLanes.length * laneWidth;
  routing.rightLanes.push(edge);
  const startY = from.y + from.height / 2 + exitIndex * 4;
  const endX = to.x + to.width / 2 + 24 + (entryIndex % 3) * 8;
  const endY = to.y;
  const approachY = endY - 10 - (routing.rightLanes.length % 3) * 3;
  return {
    d: `M${point(from.x + from.width, startY)} L${point(lane, startY)} L${point(lane, approachY)} L${point(endX, approachY)} L${point(endX, endY)}`,
    labelAt: { x: lane - 48, y: (startY + approachY) / 2 },
    start: { x: lane, y: (startY + approachY) / 2 },
  };
}

/** An edge's line (with its events as a tooltip) and, for a step the user may take now, its label. */
function edgeMarkup(edge: Edge, route: EdgeRoute, options: StatechartOptions) {
  const eventNames = edge.events.map(options.eventLabel).join(' / ');
  const kind = edge.next ? 'next' : edge.steps.length > 0 ? 'taken' : null;
  const line = `<path class="sc-edge${kind ? ` sc-${kind}` : ''}" d="${route.d}" marker-end="url(#sc-arrow${kind ? `-${kind}` : ''})"><title>${escapeXml(eventNames)}</title></path>`;
  if (!edge.next) return { line, label: null };
  const text = edge.events
    .filter((event) => options.allowedEvents.includes(event))
    .map(options.eventLabel)
    .join(' / ');
  const textW = textWidth(text, labelFontSize) + 8;
  const x = Math.min(Math.max(route.labelAt.x, textW / 2 + 2), width - textW / 2 - 2);
  const label = `<g class="sc-edge-label"><rect x="${Math.round(x - textW / 2)}" y="${Math.round(route.labelAt.y - 10)}" width="${Math.round(textW)}" height="18" rx="4"/><text x="${Math.round(x)}" y="${Math.round(route.labelAt.y + 4)}" text-anchor="middle" font-size="${labelFontSize}">${escapeXml(text)}</text></g>`;
  return { line, label };
}

/** A state's box with its name, marked current, active (an ancestor of the current) or a next step. */
function nodeMarkup(
  box: Box,
  options: StatechartOptions,
  activePaths: Set<string>,
  nextTargets: Set<string>,
  visited: ReadonlySet<string>,
) {
  const label = options.stateLabel(box.path);
  const classes = ['sc-node'];
  if (box.compound) classes.push('sc-compound');
  if (box.path === options.current) classes.push('sc-current');
  else if (activePaths.has(box.path)) classes.push('sc-active');
  else if (visited.has(box.path)) classes.push('sc-visited');
  if (nextTargets.has(box.path) && box.path !== options.current) classes.push('sc-next');
  const anchor = box.compound ? 'start' : 'middle';
  const textX = box.compound ? box.x + 8 : box.x + box.width / 2;
  const lines = box.compound ? [label] : wrap(label, box.width - 10, nodeFontSize);
  const fontSize = box.compound ? 13 : fitFontSize(lines, box.width - 8);
  const firstY = box.compound
    ? box.y + 16
    : box.y + box.height / 2 + fontSize * 0.35 - ((lines.length - 1) * fontSize * 1.15) / 2;
  const text = lines
    .map(
      (line, index) =>
        `<tspan x="${Math.round(textX)}" y="${Math.round((firstY + index * fontSize * 1.15) * 10) / 10}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  return `<g class="${classes.join(' ')}" data-state="${escapeXml(box.path)}"><rect x="${Math.round(box.x)}" y="${Math.round(box.y)}" width="${Math.round(box.width)}" height="${Math.round(box.height)}" rx="${box.compound ? 10 : 8}"/><text text-anchor="${anchor}" font-size="${Math.round(fontSize * 10) / 10}">${text}</text></g>`;
}

/**
 * The events that keep the case where it is (a session, a follow-up visit): a line of their own
 * under the picture, naming the current state, so they never cover a transition.
 */
function stayingMarkup(stayingEvents: string[], options: StatechartOptions, top: number) {
  const text = `↻ ${options.stateLabel(options.current)}: ${stayingEvents.map(options.eventLabel).join(' / ')}`;
  const textW = Math.min(textWidth(text, labelFontSize) + 8, width - 8);
  const y = top + 4;
  return `<g class="sc-edge-label sc-staying"><rect x="4" y="${Math.round(y - 11)}" width="${Math.round(textW)}" height="19" rx="4"/><text x="8" y="${Math.round(y + 3)}" text-anchor="start" font-size="${labelFontSize}">${escapeXml(text)}</text></g>`;
}

/** `a.b.c` → `a`, `a.b`, `a.b.c`. */
function withAncestors(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, index) => parts.slice(0, index + 1).join('.'));
}

/**
 * The case's steps laid on the drawing: each numbered on the edge that took it (the transition
 * may be declared on an ancestor of the state it left, and end in a child of its target), and
 * every state it passed through marked visited.
 */
function markPath(edges: Edge[], path: readonly PathStep[]) {
  const visited = new Set<string>();
  const within = (state: string, node: string) => state === node || state.startsWith(`${node}.`);
  path.forEach((step, index) => {
    for (const state of [step.from, step.to]) for (const node of withAncestors(state)) visited.add(node);
    const edge = edges.find(
      (candidate) =>
        candidate.events.includes(step.event) &&
        within(step.from, candidate.from) &&
        within(step.to, candidate.to),
    );
    edge?.steps.push(index + 1);
  });
  return { visited };
}

/** The numbers of the case's steps along one edge, in a badge where the line leaves its state. */
function stepBadge(steps: number[], at: { x: number; y: number }) {
  const text = steps.join(',');
  const badgeW = Math.max(20, textWidth(text, labelFontSize) + 10);
  const x = Math.min(Math.max(at.x, badgeW / 2 + 1), width - badgeW / 2 - 1);
  return `<g class="sc-step" aria-hidden="true"><rect x="${Math.round(x - badgeW / 2)}" y="${Math.round(at.y - 10)}" width="${Math.round(badgeW)}" height="20" rx="10"/><text x="${Math.round(x)}" y="${Math.round(at.y + 4.5)}" text-anchor="middle" font-size="${labelFontSize}">${escapeXml(text)}</text></g>`;
}

export function renderStatechartSvg(machine: AnyStateMachine, options: StatechartOptions): string {
  const root = machine.root as unknown as StateNodeLike;
  const boxes = layout(root);
  const { edges, stayingEvents, activePaths } = collectEdges(root, options);
  const height = Math.max(...[...boxes.values()].map((box) => box.y + box.height)) + 24;
  const nextTargets = new Set(edges.filter((edge) => edge.next).map((edge) => edge.to));

  const path = markPath(edges, options.path ?? []);
  const routing: Routing = { leftLanes: [], rightLanes: [], entries: new Map(), exits: new Map() };
  const lines: string[] = [];
  const labels: string[] = [];
  const stepBadgeAt = new Map<Edge, { x: number; y: number }>();
  for (const edge of edges) {
    const from = boxes.get(edge.from);
    const to = boxes.get(edge.to);
    if (!from || !to) continue;
    const route = routeOf(edge, from, to, routing);
    stepBadgeAt.set(edge, route.start);
    const { line, label } = edgeMarkup(edge, route, options);
    lines.push(line);
    if (label) labels.push(label);
  }
  for (const edge of edges) {
    const at = edge.steps.length > 0 ? stepBadgeAt.get(edge) : undefined;
    if (at) labels.push(stepBadge(edge.steps, at));
  }
  const nodes = [...boxes.values()].map((box) =>
    nodeMarkup(box, options, activePaths, nextTargets, path.visited),
  );

  let pictureHeight = height;
  if (boxes.has(options.current) && stayingEvents.length > 0) {
    pictureHeight = height + 26;
    labels.push(stayingMarkup(stayingEvents, options, height));
  }

  return [
    `<svg class="statechart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${Math.round(pictureHeight)}" role="img" aria-labelledby="statechart-title statechart-desc">`,
    `<title id="statechart-title">${escapeXml(options.title)}</title>`,
    `<desc id="statechart-desc">${escapeXml(options.description)}</desc>`,
    '<defs>',
    '<marker id="sc-arrow" class="sc-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>',
    '<marker id="sc-arrow-next" class="sc-arrowhead sc-next" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>',
    '<marker id="sc-arrow-taken" class="sc-arrowhead sc-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>',
    '</defs>',
    // compound boxes first (behind), then edges, then the other boxes and the labels on top
    ...nodes.filter((node) => node.includes('sc-compound')),
    ...lines,
    ...nodes.filter((node) => !node.includes('sc-compound')),
    ...labels,
    '</svg>',
  ].join('');
}

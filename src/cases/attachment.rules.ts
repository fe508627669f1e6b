/**
 * What may be attached to a case: the documents and evidence mediators handle
 * (scans and photos, office documents, PDF and OFD files, recordings), within a size
 * limit. The type is decided here from the file name's extension and checked against
 * the file's first bytes where the format has a signature; the browser's claimed type
 * is never trusted. Nothing that a browser would run (HTML, SVG, scripts) is allowed.
 */
export const attachmentMaxBytes = 20 * 1024 * 1024;

interface AllowedType {
  contentType: string;
  /** Leading bytes the file must start with (any of them), when the format has a signature. */
  signatures?: readonly number[][];
}

const pdf = [[0x25, 0x50, 0x44, 0x46]]; // %PDF
const zip = [[0x50, 0x4b, 0x03, 0x04]]; // PK.. (docx, xlsx, ofd)
const ole = [[0xd0, 0xcf, 0x11, 0xe0]]; // legacy Office
const jpeg = [[0xff, 0xd8, 0xff]];
const png = [[0x89, 0x50, 0x4e, 0x47]];

export const allowedAttachmentTypes: Record<string, AllowedType> = {
  pdf: { contentType: 'application/pdf', signatures: pdf },
  ofd: { contentType: 'application/ofd', signatures: zip },
  jpg: { contentType: 'image/jpeg', signatures: jpeg },
  jpeg: { contentType: 'image/jpeg', signatures: jpeg },
  png: { contentType: 'image/png', signatures: png },
  heic: { contentType: 'image/heic' },
  doc: { contentType: 'application/msword', signatures: ole },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    signatures: zip,
  },
  xls: { contentType: 'application/vnd.ms-excel', signatures: ole },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', signatures: zip },
  txt: { contentType: 'text/plain; charset=utf-8' },
  mp3: { contentType: 'audio/mpeg' },
  m4a: { contentType: 'audio/mp4' },
  mp4: { contentType: 'video/mp4' },
};

/** For the file input's `accept` attribute and the form's hint. */
export const attachmentExtensions = Object.keys(allowedAttachmentTypes);

export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return match ? match[1].toLowerCase() : '';
}

/** The content type to store and serve the file with, or null when the file is not allowed. */
export function attachmentTypeOf(fileName: string, head: Uint8Array): string | null {
  const allowed = allowedAttachmentTypes[extensionOf(fileName)];
  if (!allowed) return null;
  if (!allowed.signatures) return allowed.contentType;
  const matches = allowed.signatures.some((signature) =>
    signature.every((byte, index) => head[index] === byte),
  );
  return matches ? allowed.contentType : null;
}

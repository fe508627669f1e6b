import type request from 'supertest';

/** A download's bytes as a Buffer in `body`, whatever its media type (a workbook, a CSV). */
export function download(agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, path: string) {
  return (agent as ReturnType<typeof request.agent>)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

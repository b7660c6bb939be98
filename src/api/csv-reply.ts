import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Streams a CSV download, offered to save as `fileName`. */
export function sendCsv(reply: FastifyReply, fileName: string, csv: Readable): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(csv);
}

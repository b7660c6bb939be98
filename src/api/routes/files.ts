import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { notFound } from '../../domain/errors.ts';
import type { StoredFile } from '../../domain/file.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { FileStorage } from '../../store/file-storage.ts';
import type { Store } from '../../store/store.ts';
import { IdParams, problems, streamed, Timestamp, toIso } from '../common-schemas.ts';
import { singleFilePart } from '../multipart.ts';

export interface FileRoutesOptions {
  store: Store;
  files: FileStorage;
  clock: Clock;
  newId: IdFactory;
  uploadLimitBytes: number;
}

export const FileSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    contentType: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'File', title: 'File' },
);

function fileJson(f: StoredFile) {
  return {
    id: f.id,
    name: f.name,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    createdAt: toIso(f.createdAt),
  };
}

export const fileRoutes: FastifyPluginAsyncTypebox<FileRoutesOptions> = async (app, opts) => {
  const { store, files, clock, newId, uploadLimitBytes } = opts;
  const ref = Type.Unsafe({ $ref: 'File#' });

  app.post(
    '/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Upload a file (multipart field `file`) to attach to messages',
        consumes: ['multipart/form-data'],
        response: { 201: ref, ...problems(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const { file } = await singleFilePart(request, uploadLimitBytes);
      const ws = request.workspace;
      const id = newId('file');
      const saved = await files.save(ws.id, id, file.stream, uploadLimitBytes);
      const created = await store.files.create({
        id,
        workspaceId: ws.id,
        name: file.fileName,
        contentType: file.contentType,
        size: saved.size,
        sha256: saved.sha256,
        createdAt: clock.now(),
      });
      return reply.code(201).send(fileJson(created));
    },
  );

  app.get(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: "A file's metadata",
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const f = await store.files.get(request.workspace.id, request.params.id);
      if (f === null) throw notFound('file', request.params.id);
      return fileJson(f);
    },
  );

  app.get(
    '/files/:id/content',
    {
      schema: {
        tags: ['files'],
        summary: "A file's bytes",
        params: IdParams,
        response: { 200: streamed('The file'), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const f = await store.files.get(request.workspace.id, request.params.id);
      if (f === null || !(await files.exists(f.workspaceId, f.id))) throw notFound('file', request.params.id);
      return reply
        .header('content-type', f.contentType)
        .header('content-length', f.size)
        .header('content-disposition', `attachment; filename="${f.name.replace(/["\\\r\n]/g, '_')}"`)
        .send(files.createReadStream(f.workspaceId, f.id));
    },
  );

  app.delete(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: 'Delete a file',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      if (!(await store.files.delete(ws.id, request.params.id))) throw notFound('file', request.params.id);
      await files.remove(ws.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

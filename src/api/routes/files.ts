import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { notFound } from '../../domain/errors.ts';
import type { StoredFile } from '../../domain/file.ts';
import type { IdFactory } from '../../domain/id.ts';
import type { FileStorage } from '../../store/file-storage.ts';
import type { Store } from '../../store/store.ts';
import { addExamples, IdParams, Timestamp, toIso } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { singleFilePart } from '../multipart.ts';
import { binary, noContent, operation, reply } from '../operation.ts';

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
addExamples(FileSchema, {
  id: exampleIds.file,
  name: 'spring-sale.jpg',
  contentType: 'image/jpeg',
  size: 184_320,
  sha256: '5f2b1c7d9e0a4b3c8d6e1f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c',
  createdAt: '2026-03-02T10:35:29.799Z',
});

/** The upload form: one file in the field `file`; bytes, so no example. */
const FileUpload = Type.Object(
  { file: Type.String({ format: 'binary', description: 'The file; its name and content type are kept' }) },
  { additionalProperties: false, required: ['file'] },
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

  app.post(
    '/files',
    {
      schema: operation({
        operationId: 'uploadFile',
        tags: ['files'],
        summary: 'Upload a file (multipart field `file`) to attach to messages',
        description:
          'Attach it to a template as `{"type":"image","fileId":"…"}`. Images larger than the server allows are ' +
          "shrunk when a campaign starts; video, audio and documents over a driver's limit are refused then.",
        rawBody: { 'multipart/form-data': FileUpload },
        response: { 201: reply('The stored file', FileSchema) },
        errors: ['request.unsupported_media_type', 'file.too_large'],
      }),
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
      schema: operation({
        operationId: 'getFile',
        tags: ['files'],
        summary: "A file's metadata",
        params: IdParams,
        response: { 200: reply('The file: name, type, size and checksum', FileSchema) },
        errors: ['file.not_found'],
      }),
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
      schema: operation({
        operationId: 'getFileContent',
        tags: ['files'],
        summary: "A file's bytes",
        params: IdParams,
        response: { 200: binary('The file as uploaded, with its content type', '*/*') },
        errors: ['file.not_found'],
      }),
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
      schema: operation({
        operationId: 'deleteFile',
        tags: ['files'],
        summary: 'Delete a file',
        params: IdParams,
        response: { 204: noContent('The file is deleted') },
        errors: ['file.not_found'],
      }),
    },
    async (request, reply) => {
      const ws = request.workspace;
      if (!(await store.files.delete(ws.id, request.params.id))) throw notFound('file', request.params.id);
      await files.remove(ws.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

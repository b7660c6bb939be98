/** An uploaded file: a CSV to import or media to attach. Bytes live in file storage. */
export interface StoredFile {
  id: string;
  workspaceId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: number;
}

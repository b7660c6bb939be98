/**
 * One 512-byte POSIX ustar header: the slice of the format a Kurir backup uses (regular
 * files with short names), readable by every `tar`.
 */
export const TAR_BLOCK = 512;

/** Largest entry ustar's 11 octal digits can size: 8 GiB − 1. */
export const TAR_MAX_SIZE = 0o77777777777;

export interface TarHeader {
  name: string;
  size: number;
  mode: number;
  /** Epoch ms; ustar keeps whole seconds. */
  mtimeMs: number;
  /** `0` a regular file, `5` a directory; anything else is refused on reading. */
  type: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum;
}

/** The header block for a regular file `name` of `size` bytes. */
export function encodeTarHeader(header: Omit<TarHeader, 'type'>): Buffer {
  const name = Buffer.from(header.name, 'utf8');
  if (name.length > 100) throw new Error(`tar: the name ${header.name} is longer than 100 bytes`);
  if (!Number.isSafeInteger(header.size) || header.size < 0 || header.size > TAR_MAX_SIZE)
    throw new Error(`tar: ${header.name} is larger than ${TAR_MAX_SIZE} bytes`);
  const block = Buffer.alloc(TAR_BLOCK);
  name.copy(block, 0);
  block.write(octal(header.mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(header.size, 12), 124, 'ascii');
  block.write(octal(Math.floor(header.mtimeMs / 1000), 12), 136, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  block.write(`${octal(checksum(block), 7)} `, 148, 'ascii');
  return block;
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function number(block: Buffer, start: number, length: number, what: string): number {
  const digits = text(block, start, length).trim();
  if (!/^[0-7]*$/.test(digits)) throw new Error(`tar: the ${what} field is not octal`);
  return digits === '' ? 0 : Number.parseInt(digits, 8);
}

/** Reads a header block; `null` for the zero block that ends an archive. */
export function decodeTarHeader(block: Buffer): TarHeader | null {
  if (block.every((b) => b === 0)) return null;
  if (text(block, 257, 6) !== 'ustar') throw new Error('tar: not a ustar archive');
  if (number(block, 148, 8, 'checksum') !== checksum(block))
    throw new Error('tar: a header checksum does not match');
  const prefix = text(block, 345, 155);
  const name = text(block, 0, 100);
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    size: number(block, 124, 12, 'size'),
    mode: number(block, 100, 8, 'mode'),
    mtimeMs: number(block, 136, 12, 'mtime') * 1000,
    type: text(block, 156, 1) || '0',
  };
}

/** Bytes of padding after `size` bytes of content, up to the next block. */
export function tarPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

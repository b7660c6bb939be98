/** One message of a `text/event-stream`. Comments (heartbeats) are not messages. */
export interface StreamMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Parses a server-sent event stream as it arrives (the WHATWG format: fields per line, a
 * blank line ends a message, lines starting with `:` are comments).
 */
export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let message: StreamMessage = { id: null, event: 'message', data: '' };
  let hasData = false;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.search(/\r\n|\n|\r/);
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      newline = buffer.search(/\r\n|\n|\r/);
      if (line === '') {
        if (hasData) yield message;
        message = { id: null, event: 'message', data: '' };
        hasData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        message.data = hasData ? `${message.data}\n${value}` : value;
        hasData = true;
      } else if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
    }
  }
}

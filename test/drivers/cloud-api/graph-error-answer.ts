/** Titles Meta gives the codes the stand-in is asked for (its own wording, abridged). */
const titles: Record<number, string> = {
  2: 'Service temporarily unavailable',
  4: 'Application request limit reached',
  100: 'Invalid parameter',
  190: 'Error validating access token: Session has expired',
  368: 'Temporarily blocked for policies violations',
  80007: 'Rate limit issues',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131016: 'Service unavailable',
  131026: 'Message Undeliverable',
  131031: 'Account has been locked',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement',
  131050: 'User stopped marketing messages',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  133010: 'Phone number Not Registered',
};

/** HTTP statuses Meta answers with; everything else is 400. */
const statuses: Record<number, number> = {
  190: 401,
  368: 403,
  131031: 403,
  131000: 500,
  131016: 503,
  2: 503,
};

/** Meta's error answer for `code`: the HTTP status and the `error` object. */
export function graphErrorAnswer(code: number, details?: string) {
  const title = titles[code] ?? 'Unknown error';
  return {
    status: statuses[code] ?? 400,
    error: {
      message: `(#${code}) ${title}`,
      type: 'OAuthException',
      code,
      ...(code === 190 ? { error_subcode: 463 } : {}),
      title,
      error_data: { messaging_product: 'whatsapp', details: details ?? title },
      fbtrace_id: 'AbCdEfGhIjKlMnOp',
    },
  };
}

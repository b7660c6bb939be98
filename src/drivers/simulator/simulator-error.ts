/**
 * The simulator's own errors: it stands in for WhatsApp, not for Kurir's API, so its codes
 * are not in Kurir's catalogue (domain/errors.ts). The HTTP server maps them to problem JSON
 * with the status given here.
 */
export const simulatorErrorCodes = {
  'simulator.invalid_request': 400,
  'simulator.invalid_phone': 422,
  'simulator.sender_not_found': 404,
  'simulator.not_pairing': 409,
  'simulator.sender_banned': 409,
  'simulator.no_route': 404,
  'simulator.internal': 500,
} as const satisfies Record<string, number>;

export type SimulatorErrorCode = keyof typeof simulatorErrorCodes;

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;
  readonly status: number;
  /** The field of the request at fault, when one is (`pattern`, `afterMs`…). */
  readonly field: string | undefined;

  constructor(code: SimulatorErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'SimulatorError';
    this.code = code;
    this.status = simulatorErrorCodes[code];
    this.field = field;
  }
}

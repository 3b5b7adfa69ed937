/** A Binance error: the HTTP status and the `{code,msg}` body Binance sends with it. */
export class VenueError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string
  ) {
    super(msg)
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message }
  }
}

/** Binance's wording for the errors the emulated venue produces. */
export const E = {
  tooManyRequests: (): VenueError =>
    new VenueError(
      429,
      -1003,
      'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.'
    ),
  banned: (until: number): VenueError => new VenueError(418, -1003, `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`),
  sendStatusUnknown: (): VenueError => new VenueError(503, -1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.'),
  aheadOfServer: (): VenueError => new VenueError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  outsideRecvWindow: (): VenueError => new VenueError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: (): VenueError => new VenueError(400, -1022, 'Signature for this request is not valid.'),
  illegalChars: (param: string): VenueError =>
    new VenueError(400, -1100, `Illegal characters found in parameter '${param}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`),
  mandatory: (param: string): VenueError => new VenueError(400, -1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  notRequired: (param: string): VenueError => new VenueError(400, -1106, `Parameter '${param}' sent when not required.`),
  badTimeInForce: (): VenueError => new VenueError(400, -1115, 'Invalid timeInForce.'),
  badOrderType: (): VenueError => new VenueError(400, -1116, 'Invalid orderType.'),
  badSide: (): VenueError => new VenueError(400, -1117, 'Invalid side.'),
  badSymbol: (): VenueError => new VenueError(400, -1121, 'Invalid symbol.'),
  recvWindowTooLarge: (): VenueError => new VenueError(400, -1131, 'recvWindow must be less than 60000'),
  filter: (name: string): VenueError => new VenueError(400, -1013, `Filter failure: ${name}`),
  duplicateOrder: (): VenueError => new VenueError(400, -2010, 'Duplicate order sent.'),
  insufficientBalance: (): VenueError => new VenueError(400, -2010, 'Account has insufficient balance for requested action.'),
  wouldTake: (): VenueError => new VenueError(400, -2010, 'Order would immediately match and take.'),
  unknownOrder: (): VenueError => new VenueError(400, -2011, 'Unknown order sent.'),
  noSuchOrder: (): VenueError => new VenueError(400, -2013, 'Order does not exist.'),
  badApiKeyFormat: (): VenueError => new VenueError(401, -2014, 'API-key format invalid.'),
  rejectedApiKey: (): VenueError => new VenueError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
}

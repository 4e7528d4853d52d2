/** Why a test server refused an argument: a zone, a record, a fault or a name outside its zones. */
export type TestServerErrorCode = 'EBADZONE' | 'EBADRECORD' | 'EBADTYPE' | 'EBADFAULT' | 'ENOZONE' | 'ECLOSED';

export class TestServerError extends TypeError {
  override readonly name = 'TestServerError';
  constructor(
    readonly code: TestServerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

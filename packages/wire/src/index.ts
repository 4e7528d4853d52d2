export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export * from './name.js';
export * from './address.js';
export * from './text/tokenizer.js';
export * from './text/ttl.js';
export * from './text/charstring.js';
export { parseRdata, formatRdata, formatRecord } from './text/rdata.js';
export { decode, encode, encodeMessage, MAX_MESSAGE_SIZE } from './message.js';
export type { DecodeOptions, EncodeOptions, Encoded } from './message.js';
export { decodeHeader, HEADER_LENGTH } from './header.js';
export { servfailReply, truncatedReply } from './reply.js';
export { foldQuestionName, isCaseNeutralReply, isFoldedQuestionName, isStandardQuery, questionHash, replyFromTemplate, sameQuestionName, writeReplyFromTemplate } from './reply-template.js';
export { questionName, questionScan, scanQuestion } from './question.js';
export type { QuestionScan } from './question.js';
export type { Header } from './header.js';
export { decodeHeadAndQuestions, decodeNaptrRdata, encodeStubQuery, messageId } from './stub-resolver.js';
export type { NaptrData, StubQuery } from './stub-resolver.js';
export {
  findTsig, nowSeconds, parseTsigKey, signMessage, tsigAlgorithm, tsigErrorReply, tsigLength, verifyRequest,
  TsigError, TsigKeyError, TsigKeyring, TsigStreamSigner, TsigStreamVerifier, TsigVerifyError, TSIG_FUDGE,
} from './tsig.js';
export type { SignedMessage, SignOptions, TsigAlgorithm, TsigCheck, TsigKey, TsigRecord } from './tsig.js';
export { siphash24 } from './siphash.js';
export * from './edns-options.js';
export { chaosTxt } from './chaos.js';
export { typeDescriptor, describedTypes } from './rdata/descriptors.js';
export type { TypeDescriptor, RdataField } from './rdata/descriptors.js';
export type { NameRules } from './rdata/fields.js';
export { additionalNames, canonicalRdata, rdataFromWire, rdataNames, rdataToWire, typeCompressesNames, typeHasNames } from './rdata/table.js';
export * from './dnssec.js';

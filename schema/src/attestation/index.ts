/**
 * The usage attestation, version 1: canonical bytes, hash, secp256k1 signature, the
 * `submit_batch` wire record, the batch Merkle root, the JSON feed form, and the HMAC that
 * authenticates the api platform to the inference gateway. Browser-safe (no node: imports).
 */
export { AttestationError, type AttestationErrorCode } from './attestation-error.js';
export {
  attestationFromJson,
  attestationToJson,
  type SignedAttestationJson,
  signedAttestationJsonSchema,
} from './attestation-json.js';
export {
  ATTESTATION_VERSION,
  type Attestation,
  assertValidAttestation,
  bytesToUuid,
  decodeAttestation,
  encodeAttestation,
  encodeModel,
  MODEL_MAX_BYTES,
  uuidToBytes,
} from './encode-attestation.js';
export {
  checkGatewayAuth,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_TIMESTAMP_HEADER,
  type GatewayAuthFailure,
  gatewayAuthHeaders,
  gatewayRequestSignature,
} from './gateway-auth.js';
export {
  type MerkleProofStep,
  type MerkleProofStepJson,
  merkleLeaf,
  merkleNode,
  merkleProof,
  merkleProofFromJson,
  merkleProofs,
  merkleProofToJson,
  merkleRoot,
  verifyMerkleProof,
} from './merkle-root.js';
export {
  type OrgReadRequest,
  orgReadRequestMessage,
  parseOrgReadRequestMessage,
} from './org-read-request.js';
export {
  type AttestationSigner,
  assertSignerOf,
  createAttestationSigner,
  equalBytes,
  generateSignerKey,
  hashAttestation,
  SIGNATURE_LENGTH,
  signAttestation,
  signerPublicKey,
  verifyAttestation,
} from './sign-attestation.js';
export {
  decodeSubmitBatch,
  decodeWireRecord,
  encodeSubmitBatch,
  encodeWireRecord,
  type SignedAttestation,
  type SubmitBatchMsg,
} from './wire-record.js';

// An independent verifier: Digital Bazaar's VC libraries, not code of this project.
// stdin: {"credential": {...}, "documents": {"<url>": <json>}, "checkStatus": bool, "proofOnly": bool}
// proofOnly checks the proof alone (jsonld-signatures), for the W3C vectors whose issuer is not the key's DID.
// The document loader answers only from "documents" (our vendored contexts and what the test fetched from
// the service) and did:key, which it resolves offline. stdout: {"verified": bool, "error": "..."}, where
// "verified" is true only when the proof holds and (with checkStatus) no revocation bit is set.
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

async function didKeyDocument(url) {
  const did = url.split('#')[0];
  const fingerprint = did.slice('did:key:'.length);
  const vmId = `${did}#${fingerprint}`;
  const key = await Ed25519Multikey.from({id: vmId, controller: did, publicKeyMultibase: fingerprint});
  const method = await key.export({publicKey: true, includeContext: true});
  if(url.includes('#')) return method;
  delete method['@context'];
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [method], assertionMethod: [vmId], authentication: [vmId]
  };
}

async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDocument(url)};
  }
  if(Object.hasOwn(input.documents, url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(input.documents[url])};
  }
  throw new Error(`Document not available offline: ${url}`);
}

function describe(result) {
  const errors = [];
  const walk = value => {
    if(!value || typeof value !== 'object') return;
    if(value instanceof Error) { errors.push(value.message); }
    for(const item of Object.values(value)) walk(item);
  };
  walk(result);
  return errors.join('; ');
}

const suite = new DataIntegrityProof({cryptosuite});
if(input.proofOnly) {
  const purpose = new jsigs.purposes.AssertionProofPurpose();
  const result = await jsigs.verify(input.credential, {suite, purpose, documentLoader});
  process.stdout.write(JSON.stringify({verified: result.verified === true, error: describe(result)}));
  process.exit(0);
}
const options = {credential: input.credential, suite, documentLoader};
if(input.checkStatus) {
  options.checkStatus = checkStatus;
}
const result = await vc.verifyCredential(options);
// The status library reports a bit that is set as {status: true} in a check that itself "verified":
// for statusPurpose "revocation" that means revoked, so the credential is not valid.
const statuses = result.statusResult?.results || [];
const revoked = statuses.some(entry => entry.status === true &&
  entry.credentialStatus?.statusPurpose === 'revocation');
process.stdout.write(JSON.stringify({
  verified: result.verified === true && !revoked,
  error: revoked ? 'revoked' : describe(result)
}));

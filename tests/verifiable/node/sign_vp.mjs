// Signs a DID-Auth presentation the way the Learner Credential Wallet does: @digitalbazaar/vc with
// Ed25519Signature2020, a did:key holder, proofPurpose authentication and the issuer's challenge.
// stdin: {"seedHex": "...", "challenge": "...", "context": [...], "documents": {"<url>": <json>}}
// stdout: the signed presentation.
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as vc from '@digitalbazaar/vc';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const seed = Uint8Array.from(Buffer.from(input.seedHex, 'hex'));
const key = await Ed25519VerificationKey2020.generate({seed});
const did = `did:key:${key.fingerprint()}`;
key.id = `${did}#${key.fingerprint()}`;
key.controller = did;

async function documentLoader(url) {
  if(Object.hasOwn(input.documents, url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(input.documents[url])};
  }
  throw new Error(`Document not available offline: ${url}`);
}

const presentation = {
  '@context': input.context,
  type: ['VerifiablePresentation'],
  holder: did
};
const suite = new Ed25519Signature2020({key});
const signed = await vc.signPresentation({
  presentation, suite, challenge: input.challenge, documentLoader
});
process.stdout.write(JSON.stringify(signed));

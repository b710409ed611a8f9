'use strict';

// A KMS endpoint for the local cloud: the KMS JSON 1.1 protocol (X-Amz-Target: TrentService.*),
// symmetric keys only, AES-256-GCM. Key material is random per run and lives in memory only.
// Ciphertext layout: 0x01 | key id (36 ASCII bytes) | IV (12) | tag (16) | encrypted bytes.
// The encryption context is authenticated as additional data, as KMS does.

const crypto = require('node:crypto');
const { AwsError } = require('./aws-errors');

const VERSION = 0x01;
const KEY_ID_LENGTH = 36;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH + IV_LENGTH + TAG_LENGTH;

/**
 * @typedef {{ metadata: Record<string, any> & { KeyId: string, Arn: string, KeyState: string }, material: Buffer }} Key
 */

/** @param {{ region: string, accountId: string }} options */
function createKms({ region, accountId }) {
  /** @type {Map<string, Key>} */
  const keys = new Map(); // key id -> { metadata, material }
  /** @type {Map<string, string>} */
  const aliases = new Map(); // alias name -> key id

  const arnOf = (/** @type {string} */ keyId) => `arn:aws:kms:${region}:${accountId}:key/${keyId}`;

  /** @param {unknown} reference a key id, key ARN, alias name or alias ARN */
  function resolveKey(reference) {
    if (typeof reference !== 'string' || reference === '') {
      throw new AwsError('ValidationException', 'KeyId is required');
    }
    /** @type {string | undefined} */
    let keyId = reference;
    if (reference.startsWith('arn:aws:kms:')) {
      const resource = reference.split(':').slice(5).join(':');
      keyId = resource.startsWith('alias/') ? aliases.get(resource) : resource.replace(/^key\//, '');
    } else if (reference.startsWith('alias/')) {
      keyId = aliases.get(reference);
    }
    const key = keyId && keys.get(keyId);
    if (!key) throw new AwsError('NotFoundException', `Key '${reference}' does not exist`);
    if (key.metadata.KeyState !== 'Enabled') {
      throw new AwsError('DisabledException', `${arnOf(key.metadata.KeyId)} is disabled.`);
    }
    return key;
  }

  /** @param {any} context */
  function contextBytes(context) {
    if (context == null) return Buffer.alloc(0);
    if (typeof context !== 'object' || Array.isArray(context)) {
      throw new AwsError('ValidationException', 'EncryptionContext must be a map of strings');
    }
    const sorted = Object.keys(context).sort().map((k) => [k, String(context[k])]);
    return Buffer.from(JSON.stringify(sorted));
  }

  /** @param {unknown} value @param {string} field */
  function decodeBlob(value, field) {
    if (typeof value !== 'string') throw new AwsError('ValidationException', `${field} is required`);
    return Buffer.from(value, 'base64');
  }

  /** @param {Key} key @param {Buffer} plaintext @param {unknown} context */
  function seal(key, plaintext, context) {
    const iv = crypto.randomBytes(IV_LENGTH);
    const cipher = crypto.createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), Buffer.from(key.metadata.KeyId, 'ascii'), iv, cipher.getAuthTag(), body]);
  }

  /** @param {Buffer} blob @param {unknown} context @param {Key} [expectedKey] */
  function open(blob, context, expectedKey) {
    const invalid = () => new AwsError('InvalidCiphertextException', 'The ciphertext is invalid or was not made under this context');
    if (blob.length < HEADER_LENGTH || blob[0] !== VERSION) throw invalid();
    const keyId = blob.subarray(1, 1 + KEY_ID_LENGTH).toString('ascii');
    const key = keys.get(keyId);
    if (!key) throw invalid();
    if (expectedKey && expectedKey.metadata.KeyId !== keyId) {
      throw new AwsError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext');
    }
    const iv = blob.subarray(1 + KEY_ID_LENGTH, 1 + KEY_ID_LENGTH + IV_LENGTH);
    const tag = blob.subarray(1 + KEY_ID_LENGTH + IV_LENGTH, HEADER_LENGTH);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key.material, iv);
      decipher.setAAD(contextBytes(context));
      decipher.setAuthTag(tag);
      return { key, plaintext: Buffer.concat([decipher.update(blob.subarray(HEADER_LENGTH)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  }

  /** @param {{ KeySpec?: unknown, NumberOfBytes?: any }} input */
  function dataKeyLength({ KeySpec, NumberOfBytes }) {
    if (NumberOfBytes != null) {
      if (!Number.isInteger(NumberOfBytes) || NumberOfBytes < 1 || NumberOfBytes > 1024) {
        throw new AwsError('ValidationException', 'NumberOfBytes must be between 1 and 1024');
      }
      return NumberOfBytes;
    }
    if (KeySpec === 'AES_256') return 32;
    if (KeySpec === 'AES_128') return 16;
    throw new AwsError('ValidationException', 'Either KeySpec (AES_256 or AES_128) or NumberOfBytes is required');
  }

  // Each takes the request's JSON (as a client sent it) and returns the answer's.
  /** @satisfies {Record<string, (input: any) => object>} */
  const operations = {
    CreateKey({ Description = '', KeyUsage = 'ENCRYPT_DECRYPT' } = {}) {
      if (KeyUsage !== 'ENCRYPT_DECRYPT') throw new AwsError('UnsupportedOperationException', 'Only symmetric ENCRYPT_DECRYPT keys are emulated');
      const KeyId = crypto.randomUUID();
      const metadata = {
        AWSAccountId: accountId,
        KeyId,
        Arn: arnOf(KeyId),
        CreationDate: Date.now() / 1000,
        Enabled: true,
        Description,
        KeyUsage,
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        KeySpec: 'SYMMETRIC_DEFAULT',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      };
      keys.set(KeyId, { metadata, material: crypto.randomBytes(32) });
      return { KeyMetadata: metadata };
    },
    DescribeKey({ KeyId }) {
      return { KeyMetadata: resolveKey(KeyId).metadata };
    },
    CreateAlias({ AliasName, TargetKeyId }) {
      if (typeof AliasName !== 'string' || !/^alias\/[a-zA-Z0-9/_-]+$/.test(AliasName) || AliasName.startsWith('alias/aws/')) {
        throw new AwsError('ValidationException', `Alias name '${AliasName}' is not valid`);
      }
      if (aliases.has(AliasName)) throw new AwsError('AlreadyExistsException', `An alias with the name ${AliasName} already exists`);
      aliases.set(AliasName, resolveKey(TargetKeyId).metadata.KeyId);
      return {};
    },
    ListAliases() {
      return {
        Aliases: [...aliases].map(([AliasName, TargetKeyId]) => ({
          AliasName,
          AliasArn: `arn:aws:kms:${region}:${accountId}:${AliasName}`,
          TargetKeyId,
        })),
      };
    },
    Encrypt({ KeyId, Plaintext, EncryptionContext }) {
      const key = resolveKey(KeyId);
      const plaintext = decodeBlob(Plaintext, 'Plaintext');
      if (plaintext.length < 1 || plaintext.length > 4096) throw new AwsError('ValidationException', 'Plaintext must be 1 to 4096 bytes');
      return {
        CiphertextBlob: seal(key, plaintext, EncryptionContext).toString('base64'),
        KeyId: key.metadata.Arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt({ CiphertextBlob, EncryptionContext, KeyId }) {
      const expected = KeyId ? resolveKey(KeyId) : undefined;
      const { key, plaintext } = open(decodeBlob(CiphertextBlob, 'CiphertextBlob'), EncryptionContext, expected);
      if (key.metadata.KeyState !== 'Enabled') throw new AwsError('DisabledException', `${key.metadata.Arn} is disabled.`);
      return { Plaintext: plaintext.toString('base64'), KeyId: key.metadata.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    /** @param {any} input @returns {{ CiphertextBlob: string, Plaintext: string, KeyId: string }} */
    GenerateDataKey(input) {
      const key = resolveKey(input.KeyId);
      const plaintext = crypto.randomBytes(dataKeyLength(input));
      return {
        CiphertextBlob: seal(key, plaintext, input.EncryptionContext).toString('base64'),
        Plaintext: plaintext.toString('base64'),
        KeyId: key.metadata.Arn,
      };
    },
    /** @param {any} input @returns {{ CiphertextBlob: string, KeyId: string }} */
    GenerateDataKeyWithoutPlaintext(input) {
      const { CiphertextBlob, KeyId } = operations.GenerateDataKey(input);
      return { CiphertextBlob, KeyId };
    },
    EnableKeyRotation({ KeyId }) {
      resolveKey(KeyId);
      return {};
    },
    DisableKey({ KeyId }) {
      const key = resolveKey(KeyId);
      key.metadata.KeyState = 'Disabled';
      key.metadata.Enabled = false;
      return {};
    },
  };

  return {
    /** Answers one KMS JSON request: `target` is the X-Amz-Target header, `body` the parsed JSON. */
    /** @param {string} target @param {unknown} body */
    handle(target, body) {
      const name = String(target).replace(/^TrentService\./, '');
      const operation = Object.hasOwn(operations, name) ? /** @type {Record<string, (input: any) => object>} */ (operations)[name] : undefined;
      if (!operation) throw new AwsError('UnsupportedOperationException', `KMS operation '${name}' is not emulated`);
      return operation(body ?? {});
    },
    /** Used by the resource creator: the ARN of an existing key, for Fn::GetAtt. */
    arnOf,
    resolveAlias: (/** @type {string} */ alias) => aliases.get(alias),
  };
}

module.exports = { createKms };

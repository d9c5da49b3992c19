// cbor-x (under @trustnxt/c2pa-ts) tries require('cbor-extract') and falls back to its JavaScript
// decoder when that throws. The real package builds or downloads a native binary at install time,
// which drp does not allow (pure JavaScript and WebAssembly only), and the registry mirror our CI
// uses does not carry its prebuilt platform packages. package.json "overrides" points here instead.
throw new Error('drp ships without cbor-extract: cbor-x decodes C2PA manifests in JavaScript');

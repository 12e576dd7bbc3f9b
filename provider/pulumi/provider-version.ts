/**
 * This package's version, as captured into the serialized provider. It is an object (not a constant)
 * so the end-to-end tests can stand in for an upgrade by changing it before an `up`.
 */
export const PROVIDER_BUILD = { version: "0.1.0" };

/** This package's version, carried by the element class so the define guard can compare copies. */
export const VERSION = '0.1.0';

// Stands in for Node built-ins (fs, path, os, ...) that tfjs's wasm glue imports but only uses under Node.
export default {};

"""Turn article files into cleaned, split, embedded passages kept in step with a folder."""

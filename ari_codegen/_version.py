"""The version of ari_codegen. The pipeline records it in every manifest and the CLI prints
it; they take it from here, not from the package's façade (``ari_codegen/__init__``), which
imports them."""

__version__ = "0.1.0"

"""A small example application built on the generated ``ari_client`` models."""

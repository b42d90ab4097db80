"""End-to-end tests of the Matrix adapter: the real `peerbot run` against a real Synapse."""

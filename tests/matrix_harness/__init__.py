"""Test harness for peerbot on Matrix: a real Synapse on 127.0.0.1 and matrix-nio member clients."""

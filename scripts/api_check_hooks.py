"""Schemathesis hooks for scripts/api-check.sh: how to make a body of the media types it cannot make by itself."""

from hypothesis import strategies as st
import schemathesis

# A tus chunk (PATCH /api/uploads/{sha256}) is raw bytes.
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))

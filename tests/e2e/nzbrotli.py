"""Brotli decoding for the e2e tests through Debian's libbrotlidec (ctypes): Python's standard
library has no Brotli module and python3-brotli is not a dependency. decompress(data) gives the
decoded bytes or raises ValueError for bytes that are not a whole Brotli stream."""
import ctypes

_lib = ctypes.CDLL("libbrotlidec.so.1")
_lib.BrotliDecoderDecompress.argtypes = [ctypes.c_size_t, ctypes.c_char_p,
                                         ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p]
_lib.BrotliDecoderDecompress.restype = ctypes.c_int
_SUCCESS = 1


def decompress(data):
    """The bytes data decodes to (output room doubles until it fits, up to 64 MiB)."""
    room = max(1024, 16 * len(data))
    while room <= 64 << 20:
        out = ctypes.create_string_buffer(room)
        size = ctypes.c_size_t(room)
        if _lib.BrotliDecoderDecompress(len(data), data, ctypes.byref(size), out) == _SUCCESS:
            return out.raw[:size.value]
        room *= 4
    raise ValueError("not a Brotli stream (or over 64 MiB)")

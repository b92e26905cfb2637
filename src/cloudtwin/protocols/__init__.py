"""Sans-IO wire formats: bytes and headers in, values out. No sockets, no clock, no engines."""

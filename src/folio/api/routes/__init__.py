"""One router per resource; each endpoint parses, calls one use case and renders."""

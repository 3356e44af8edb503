package blob

// DefaultContentType is stored for an object put without a content type, by every adapter.
const DefaultContentType = "application/octet-stream"

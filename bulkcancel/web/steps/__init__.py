"""The page's steps, one module each: their route functions take a request and return a response."""

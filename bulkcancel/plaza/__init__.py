"""The Plaza API v2 layer: signing, XML documents and the async client."""

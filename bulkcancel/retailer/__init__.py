"""The Retailer API v10 backend: OAuth2 client credentials, JSON, paced per endpoint."""

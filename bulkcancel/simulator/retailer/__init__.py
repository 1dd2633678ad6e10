"""A Retailer API v10 look-alike with its token endpoint, on Starlette (docs/bol-apis.md)."""

from bulkcancel.simulator.retailer.app import RetailerSimulator
from bulkcancel.simulator.retailer.config import FAILURE_TEXTS, RetailerConfig

__all__ = ["FAILURE_TEXTS", "RetailerConfig", "RetailerSimulator"]

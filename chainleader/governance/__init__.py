"""Governance (layer 1): rules of the chain-leader system — roles, regional scopes, data-sharing grants."""

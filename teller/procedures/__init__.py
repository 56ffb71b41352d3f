"""Procedures: YAML files validated into typed models, and the engine that runs them."""

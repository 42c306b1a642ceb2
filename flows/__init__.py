"""Orchestration of newsfacts: the Prefect flow, its tasks, deployments and the CLI."""

"""Evaluation: a question set with gold evidence, metrics, stock baselines and a CI gate."""

"""Sync: a knowledge base and a shared folder of kbridge Markdown (and its git repository), both ways."""

"""Writing: records into files again (native, MADR, adr-tools, log4brains, kbridge Markdown, toc, graph)."""

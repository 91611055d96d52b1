-- A batch that needs more than the cap to stage is staged again without it (stage.py).
RESET memory_limit;

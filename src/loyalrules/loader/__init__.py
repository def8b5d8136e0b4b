"""Loading programs from YAML: safe parsing, validation with locations, JSON Schema."""

from loyalrules.loader.program_file import load_program, loads_program, program_json_schema
from loyalrules.loader.registry import BuildEnv, register_condition, register_effect

__all__ = [
    "BuildEnv",
    "load_program",
    "loads_program",
    "program_json_schema",
    "register_condition",
    "register_effect",
]

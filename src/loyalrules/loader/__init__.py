"""Loading programs from YAML: safe parsing, validation with locations, JSON Schema.

The only layer that reads YAML (PyYAML, safe loader): ``yaml_source`` parses with
locations, ``spec``/``scalars``/``schema`` describe what each key accepts, the
``*_keys`` modules build a program's terms, rewards, tiers and memberships, ``registry``
holds the condition and effect types (``builtins`` and the host's own), and
``program_file`` builds the ``Program``.

May import: ``program`` and everything below it. Only ``cli`` (and the package root)
import it.
"""

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

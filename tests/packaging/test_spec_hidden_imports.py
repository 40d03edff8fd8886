"""The frozen build bundles every built-in backend: the registry imports them
by name, which PyInstaller's analysis cannot follow."""

from pathlib import Path

from gcdapp.core.backends import registry

SPEC = Path(__file__).resolve().parents[2] / "resources" / "pyinstaller" / "gcdapp.spec"


def test_every_built_in_backend_is_a_hidden_import_of_the_spec():
    text = SPEC.read_text()
    for target in registry._BUILTINS.values():
        module = target.partition(":")[0]
        assert f'"{module}"' in text, module

"""scripts/locked_wheels.py, which gives `chalice package` the Lambda zip's libraries: it reads the hashed lock,
refuses any wheel that is not the lock's (by name, version and sha256), and unpacks the rest as chalice would.
Small wheels made here; the real download is the package build's (test_infra_package.py checks its result)."""

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from scripts import locked_wheels

ROOT = Path(__file__).resolve().parents[2]


def make_wheel(folder: Path, filename: str, files: dict[str, bytes]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / filename
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock_of(**pins: tuple[str, list[str]]) -> dict[str, locked_wheels.Pin]:
    return {name: locked_wheels.Pin(version, frozenset(hashes)) for name, (version, hashes) in pins.items()}


def test_the_lock_is_read_with_its_markers_spellings_and_hashes() -> None:
    text = ("# comment\ncffi==2.1.1 ; platform_python_implementation != 'PyPy' \\\n"
            f"    --hash=sha256:{'a' * 64} \\\n    --hash=sha256:{'b' * 64}\n    # via cryptography\n"
            f"python-dateutil==2.9.0.post0 \\\n    --hash=sha256:{'c' * 64}\n    # via botocore\n")
    assert locked_wheels.read_lock(text) == lock_of(cffi=("2.1.1", ["a" * 64, "b" * 64]),
                                                   **{"python-dateutil": ("2.9.0.post0", ["c" * 64])})
    assert locked_wheels.canonical("Python_Dateutil") == locked_wheels.canonical("python.dateutil") == "python-dateutil"


def test_every_pin_of_the_runtime_lock_carries_hashes() -> None:
    pins = locked_wheels.read_lock((ROOT / "requirements.txt").read_text())
    assert {"botocore", "cryptography", "cffi", "pynamodb", "pyjwt"} <= set(pins)
    assert [name for name, pin in pins.items() if not pin.hashes] == []


def test_the_platforms_are_lambdas_newest_glibc_first() -> None:
    tags = locked_wheels.platforms((3, 13))
    assert tags[0] == "manylinux_2_34_x86_64" and "manylinux_2_28_x86_64" in tags
    assert tags[-2:] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert "manylinux_2_28_x86_64" not in locked_wheels.platforms((3, 11))  # Amazon Linux 2: glibc 2.26
    with pytest.raises(SystemExit, match=re.escape("no Lambda glibc known for Python 3.99")):
        locked_wheels.platforms((3, 99))


def test_the_lock_s_wheels_pass_and_each_other_file_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "wheels"
    good = make_wheel(folder, "demo_lib-1.0-py3-none-any.whl", {"demo_lib/__init__.py": b"x = 1\n"})
    native = make_wheel(folder, "Native-2.0-cp313-cp313-manylinux_2_17_x86_64.whl", {"native.so": b"\0"})
    pins = lock_of(**{"demo-lib": ("1.0", [digest(good)]), "native": ("2.0", ["0" * 64, digest(native)])})
    assert locked_wheels.check(pins, folder) == [native, good]

    tampered = lock_of(**{"demo-lib": ("1.0", ["f" * 64]), "native": ("2.0", [digest(native)])})
    with pytest.raises(SystemExit, match=r"demo_lib-1.0-py3-none-any.whl: its sha256 \w{64} is not among"):
        locked_wheels.check(tampered, folder)
    with pytest.raises(SystemExit, match=r"demo_lib-1.0-py3-none-any.whl: the lock pins demo-lib==1.1"):
        locked_wheels.check(lock_of(**{"demo-lib": ("1.1", [digest(good)]), "native": ("2.0", [digest(native)])}),
                            folder)
    with pytest.raises(SystemExit, match=re.escape(f"{native.name}: native is not in the lock")):
        locked_wheels.check(lock_of(**{"demo-lib": ("1.0", [digest(good)])}), folder)
    with pytest.raises(SystemExit, match=re.escape("other==3.0: locked but no wheel downloaded")):
        locked_wheels.check({**pins, **lock_of(other=("3.0", ["0" * 64]))}, folder)

    second = make_wheel(folder, "demo_lib-1.0-py2.py3-none-any.whl", {"demo_lib/__init__.py": b"x = 2\n"})
    both = lock_of(**{"demo-lib": ("1.0", [digest(good), digest(second)]), "native": ("2.0", [digest(native)])})
    with pytest.raises(SystemExit, match="a second wheel of demo-lib"):
        locked_wheels.check(both, folder)
    second.unlink()
    (folder / "demo_lib-1.0.tar.gz").write_bytes(b"")
    with pytest.raises(SystemExit, match=re.escape("demo_lib-1.0.tar.gz: not a wheel")):
        locked_wheels.check(pins, folder)


def test_wheels_unpack_as_chalice_installs_them(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "wheels", "demo-1.0-py3-none-any.whl", {
        "demo/__init__.py": b"top\n", "demo-1.0.dist-info/METADATA": b"Name: demo\n",
        "demo-1.0.data/purelib/demo_extra.py": b"pure\n", "demo-1.0.data/platlib/demo_native/x.so": b"\0",
        "demo-1.0.data/scripts/demo-cli": b"#!python\n"})
    vendor = tmp_path / "vendor"
    assert locked_wheels.unpack([wheel], vendor) == 5
    found = {p.relative_to(vendor).as_posix(): p.read_bytes() for p in vendor.rglob("*") if p.is_file()}
    assert found == {"demo/__init__.py": b"top\n", "demo-1.0.dist-info/METADATA": b"Name: demo\n",
                     "demo_extra.py": b"pure\n", "demo_native/x.so": b"\0",
                     "demo-1.0.data/scripts/demo-cli": b"#!python\n"}


def test_a_wheel_cannot_write_outside_vendor_or_over_another(tmp_path: Path) -> None:
    escaping = make_wheel(tmp_path / "wheels", "bad-1.0-py3-none-any.whl", {"../outside.py": b""})
    with pytest.raises(SystemExit, match="points outside the package"):
        locked_wheels.unpack([escaping], tmp_path / "vendor")
    one = make_wheel(tmp_path / "wheels", "one-1.0-py3-none-any.whl", {"shared/x.py": b"1"})
    two = make_wheel(tmp_path / "wheels", "two-1.0-py3-none-any.whl", {"shared/x.py": b"2"})
    clash = "two-1.0-py3-none-any.whl and one-1.0-py3-none-any.whl both ship shared/x.py"
    with pytest.raises(SystemExit, match=re.escape(clash)):
        locked_wheels.unpack([one, two], tmp_path / "vendor2")

# nixpkgs has its own lib here; the fixture uses gonix's.
import ../../../lib

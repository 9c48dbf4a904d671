# A few common licenses, for meta.license. Each has spdxId, fullName,
# free and redistributable.
_:

let
  mk = spdxId: fullName: {
    inherit spdxId fullName;
    shortName = spdxId;
    url = "https://spdx.org/licenses/${spdxId}.html";
    free = true;
    redistributable = true;
    deprecated = false;
  };
in
{
  mit = mk "MIT" "MIT License";
  asl20 = mk "Apache-2.0" "Apache License 2.0";
  bsd2 = mk "BSD-2-Clause" "BSD 2-clause \"Simplified\" License";
  bsd3 = mk "BSD-3-Clause" "BSD 3-clause \"New\" or \"Revised\" License";
  isc = mk "ISC" "ISC License";
  mpl20 = mk "MPL-2.0" "Mozilla Public License 2.0";
  gpl2Only = mk "GPL-2.0-only" "GNU General Public License v2.0 only";
  gpl2Plus = mk "GPL-2.0-or-later" "GNU General Public License v2.0 or later";
  gpl3Only = mk "GPL-3.0-only" "GNU General Public License v3.0 only";
  gpl3Plus = mk "GPL-3.0-or-later" "GNU General Public License v3.0 or later";
  lgpl21Plus = mk "LGPL-2.1-or-later" "GNU Lesser General Public License v2.1 or later";
  lgpl3Plus = mk "LGPL-3.0-or-later" "GNU Lesser General Public License v3.0 or later";
  agpl3Plus = mk "AGPL-3.0-or-later" "GNU Affero General Public License v3.0 or later";
  zlib = mk "Zlib" "zlib License";
  unlicense = mk "Unlicense" "The Unlicense";
  publicDomain = {
    fullName = "Public Domain";
    shortName = "publicDomain";
    free = true;
    redistributable = true;
    deprecated = false;
  };
  unfree = {
    fullName = "Unfree";
    shortName = "unfree";
    free = false;
    redistributable = false;
    deprecated = false;
  };
  unfreeRedistributable = {
    fullName = "Unfree redistributable";
    shortName = "unfreeRedistributable";
    free = false;
    redistributable = true;
    deprecated = false;
  };
}

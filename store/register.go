package store

import (
	"fmt"

	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
)

// RegisterPaths registers store objects that are already at their final
// physical location (build outputs): it canonicalises their metadata,
// computes NAR hash and size, and writes all rows in one transaction. The
// caller fills Path, References, Deriver, CA and Ultimate, and should hold
// the paths as temporary roots (AddTempRoot) while producing them.
func (s *Store) RegisterPaths(infos []*PathInfo) error {
	gl, err := s.gcShared()
	if err != nil {
		return err
	}
	defer gl.Close()
	for _, info := range infos {
		if _, err := s.Dir().Parse(info.Path); err != nil {
			return err
		}
		if err := s.AddTempRoot(info.Path); err != nil {
			return err
		}
		real := s.RealPath(info.Path)
		if err := canonicalise(real, false); err != nil {
			return err
		}
		d, n, err := nar.HashPath(real, nil)
		if err != nil {
			return fmt.Errorf("hashing '%s': %w", info.Path, err)
		}
		info.NarHash = nixhash.Hash{Algo: nixhash.SHA256, Digest: d[:]}
		info.NarSize = uint64(n)
		info.References = sortedUnique(info.References)
		if info.RegistrationTime.IsZero() {
			info.RegistrationTime = s.now()
		}
	}
	if err := syncTree(s.RealStoreDir()); err != nil {
		return fmt.Errorf("syncing the store: %w", err)
	}
	return s.register(infos, nil)
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonix/gonix/store/storepath"
)

// ErrNotValid is returned (wrapped) for operations on a path that is not
// registered in the database.
var ErrNotValid = errors.New("path is not valid")

// tempPrefix starts the names of the temporary directories additions are
// staged in (Nix's GC also recognises "tmp-" names and skips locked ones).
const tempPrefix = "tmp-gonix-"

// Store is a local store at a physical root. It is safe for concurrent use
// by several goroutines; several processes may use the same root.
type Store struct {
	Layout
	db *sql.DB

	mu        sync.Mutex
	tempRoots *os.File // this Store's temporary roots file, locked
	rooted    map[string]bool

	// now returns the registration time; tests may replace it.
	now func() time.Time
}

// Open opens (creating if necessary) the store rooted at the physical
// directory root ("/" for the real /nix/store).
func Open(root string) (*Store, error) {
	if root == "" {
		return nil, fmt.Errorf("empty store root")
	}
	if !filepath.IsAbs(root) {
		abs, err := filepath.Abs(root)
		if err != nil {
			return nil, err
		}
		root = abs
	}
	s := &Store{Layout: Layout{Root: filepath.Clean(root)}, now: time.Now}
	if err := s.initDirs(); err != nil {
		return nil, err
	}
	db, err := openDB(s.DBDir())
	if err != nil {
		return nil, err
	}
	s.db = db
	s.cleanupTemp()
	return s, nil
}

// OpenDefault opens the store at DefaultRoot(os.Getenv).
func OpenDefault() (*Store, error) {
	root, err := DefaultRoot(nil)
	if err != nil {
		return nil, err
	}
	return Open(root)
}

// Close releases the database and this Store's temporary roots.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.tempRoots != nil {
		os.Remove(s.tempRoots.Name())
		s.tempRoots.Close()
		s.tempRoots = nil
	}
	s.mu.Unlock()
	return s.db.Close()
}

// Dir returns the logical store directory, /nix/store.
func (s *Store) Dir() storepath.Dir { return s.StoreDir() }

func (s *Store) initDirs() error {
	for _, d := range []string{
		s.RealStoreDir(), s.DBDir(), filepath.Join(s.GCRootsDir(), "auto"), s.ProfilesDir(),
		s.TempRootsDir(), filepath.Join(s.LogDir(), "drvs"),
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating store directory: %w", err)
		}
	}
	schema := filepath.Join(s.DBDir(), "schema")
	b, err := os.ReadFile(schema)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := writeFileAtomic(schema, []byte(schemaVersion), 0o644); err != nil {
			return fmt.Errorf("writing schema version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("reading schema version: %w", err)
	default:
		v := strings.TrimSpace(string(b))
		if v != schemaVersion {
			return fmt.Errorf("current Nix store schema is version %s, but gonix only supports %s", v, schemaVersion)
		}
	}
	return nil
}

// writeFileAtomic writes data to a temporary file next to path, syncs it
// and renames it into place.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), perm)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// cleanupTemp removes staging directories left by crashed processes. It
// only runs when no addition is in progress (it gets the GC lock
// exclusively without waiting; additions hold it shared while they stage),
// otherwise the next garbage collection cleans up.
func (s *Store) cleanupTemp() {
	lock, ok, err := flockFile(filepath.Join(s.StateDir(), "gc.lock"), syscall.LOCK_EX, false)
	if err != nil || !ok {
		return
	}
	defer lock.Close()
	entries, err := os.ReadDir(s.RealStoreDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			s.removeIfUnlocked(filepath.Join(s.RealStoreDir(), e.Name()))
		}
	}
}

// removeIfUnlocked deletes a staging directory when no process holds its
// lock; it reports whether it did.
func (s *Store) removeIfUnlocked(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	ok, err := flock(f, syscall.LOCK_EX, false)
	if err != nil || !ok {
		f.Close()
		return false
	}
	err = removeAll(p)
	f.Close()
	return err == nil
}

// gcShared holds the global GC lock in shared mode for the duration of an
// operation that creates store objects, so a garbage collection (which
// holds it exclusively) never runs in the middle of it.
func (s *Store) gcShared() (*os.File, error) {
	f, _, err := flockFile(filepath.Join(s.StateDir(), "gc.lock"), syscall.LOCK_SH, true)
	if err != nil {
		return nil, fmt.Errorf("acquiring the GC lock: %w", err)
	}
	return f, nil
}

// AddTempRoot makes path a temporary GC root for the lifetime of this
// Store (recorded in /nix/var/nix/temproots/PID, locked, like Nix).
func (s *Store) AddTempRoot(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooted[path] {
		return nil
	}
	if s.tempRoots == nil {
		f, err := s.createTempRootsFile()
		if err != nil {
			return err
		}
		s.tempRoots = f
		s.rooted = map[string]bool{}
	}
	if _, err := s.tempRoots.WriteString(path + "\x00"); err != nil {
		return fmt.Errorf("writing temporary root: %w", err)
	}
	s.rooted[path] = true
	return nil
}

// createTempRootsFile creates and locks this Store's temporary roots file:
// temproots/PID, or PID-N when another Store in this process holds PID.
func (s *Store) createTempRootsFile() (*os.File, error) {
	pid := strconv.Itoa(os.Getpid())
	for n := 0; n < 1000; n++ {
		name := pid
		if n > 0 {
			name = pid + "-" + strconv.Itoa(n)
		}
		p := filepath.Join(s.TempRootsDir(), name)
		f, ok, err := flockFile(p, syscall.LOCK_EX, false)
		if err != nil {
			return nil, fmt.Errorf("creating temporary roots file: %w", err)
		}
		if !ok {
			continue
		}
		var st syscall.Stat_t
		if err := syscall.Fstat(int(f.Fd()), &st); err != nil || st.Nlink == 0 {
			// A garbage collector removed it as stale; try again.
			f.Close()
			n--
			continue
		}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, fmt.Errorf("creating temporary roots file: %w", err)
		}
		if _, err := f.Seek(0, 0); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	return nil, fmt.Errorf("creating temporary roots file: too many stores open in this process")
}

// ParsePath parses an absolute logical store path.
func (s *Store) ParsePath(p string) (storepath.Path, error) { return s.Dir().Parse(p) }

// IsValid reports whether path is registered.
func (s *Store) IsValid(path string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(context.Background(), "select count(*) from ValidPaths where path = ?", path).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("querying '%s': %w", path, err)
	}
	return n > 0, nil
}

// QueryPathInfo returns the database row of a valid path.
func (s *Store) QueryPathInfo(path string) (*PathInfo, error) {
	info, ok, err := queryPathInfo(context.Background(), s.db, path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("path '%s' is not valid: %w", path, ErrNotValid)
	}
	return info, nil
}

// QueryReferences returns the sorted references of a valid path.
func (s *Store) QueryReferences(path string) ([]string, error) {
	info, err := s.QueryPathInfo(path)
	if err != nil {
		return nil, err
	}
	return info.References, nil
}

// QueryReferrers returns the sorted valid paths that refer to path.
func (s *Store) QueryReferrers(path string) ([]string, error) {
	return queryStrings(context.Background(), s.db,
		"select path from Refs join ValidPaths on referrer = id where reference = (select id from ValidPaths where path = ?)", path)
}

// QueryDeriver returns the deriver recorded for a valid path ("" if none).
func (s *Store) QueryDeriver(path string) (string, error) {
	info, err := s.QueryPathInfo(path)
	if err != nil {
		return "", err
	}
	return info.Deriver, nil
}

// QueryValidDerivers returns the valid .drv files that have path as an
// output.
func (s *Store) QueryValidDerivers(path string) ([]string, error) {
	return queryStrings(context.Background(), s.db,
		"select v.path from DerivationOutputs d join ValidPaths v on d.drv = v.id where d.path = ?", path)
}

// QueryDerivationOutputs returns the output name → path map registered
// for a valid .drv file.
func (s *Store) QueryDerivationOutputs(drvPath string) (map[string]string, error) {
	rows, err := s.db.QueryContext(context.Background(),
		"select d.id, d.path from DerivationOutputs d join ValidPaths v on d.drv = v.id where v.path = ?", drvPath)
	if err != nil {
		return nil, fmt.Errorf("querying outputs of '%s': %w", drvPath, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, p string
		if err := rows.Scan(&name, &p); err != nil {
			return nil, err
		}
		out[name] = p
	}
	return out, rows.Err()
}

// QueryPathFromHashPart returns the valid path with the given hash part,
// or "".
func (s *Store) QueryPathFromHashPart(hashPart string) (string, error) {
	prefix := string(s.Dir()) + "/" + hashPart
	var p string
	err := s.db.QueryRowContext(context.Background(), "select path from ValidPaths where path >= ? limit 1", prefix).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(p, prefix+"-") {
		return p, nil
	}
	return "", nil
}

// QueryAllValidPaths returns every valid path, sorted.
func (s *Store) QueryAllValidPaths() ([]string, error) {
	return queryStrings(context.Background(), s.db, "select path from ValidPaths")
}

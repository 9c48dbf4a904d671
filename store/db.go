package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver ("sqlite")

	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// busyTimeout is how long a statement waits for a locked database (Nix
// waits an hour).
const busyTimeout = time.Hour

// openDB opens (creating when needed) the database in dir.
func openDB(dir string) (*sql.DB, error) {
	path := filepath.Join(dir, "db.sqlite")
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening store database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	var mode string
	if err := db.QueryRowContext(ctx, "pragma main.journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening store database %s: %w", path, err)
	}
	if mode != "wal" {
		if _, err := db.ExecContext(ctx, "pragma main.journal_mode = wal"); err != nil {
			db.Close()
			return nil, fmt.Errorf("setting WAL mode on %s: %w", path, err)
		}
	}
	if _, err := db.ExecContext(ctx, "pragma wal_autocheckpoint = 40000"); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening store database %s: %w", path, err)
	}
	// Creating the schema is serialised between processes by the same
	// lock file Nix uses for schema changes.
	big, _, err := flockFile(filepath.Join(dir, "big-lock"), syscall.LOCK_EX, true)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer big.Close()
	var n int
	if err := db.QueryRowContext(ctx, "select count(*) from sqlite_master where type = 'table' and name = 'ValidPaths'").Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("reading store database %s: %w", path, err)
	}
	if n == 0 {
		if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
			db.Close()
			return nil, fmt.Errorf("creating store database schema: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, caSchemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating realisations schema: %w", err)
	}
	return db, nil
}

// PathInfo is what the database knows about a valid store path. Paths are
// absolute logical paths (/nix/store/...).
type PathInfo struct {
	Path             string
	Deriver          string // "" when unknown
	NarHash          nixhash.Hash
	NarSize          uint64
	References       []string // sorted
	RegistrationTime time.Time
	Ultimate         bool
	Sigs             []string
	CA               storepath.ContentAddress
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// queryPathInfo reads one row and its references; ok is false when the
// path is not valid.
func queryPathInfo(ctx context.Context, q querier, path string) (*PathInfo, bool, error) {
	var (
		id                int64
		hash              string
		regTime           int64
		deriver, sigs, ca sql.NullString
		narSize, ultimate sql.NullInt64
	)
	err := q.QueryRowContext(ctx, "select id, hash, registrationTime, deriver, narSize, ultimate, sigs, ca from ValidPaths where path = ?", path).
		Scan(&id, &hash, &regTime, &deriver, &narSize, &ultimate, &sigs, &ca)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("querying path info of '%s': %w", path, err)
	}
	info := &PathInfo{
		Path:             path,
		Deriver:          deriver.String,
		RegistrationTime: time.Unix(regTime, 0),
		Ultimate:         ultimate.Valid && ultimate.Int64 != 0,
	}
	if narSize.Valid && narSize.Int64 >= 0 {
		info.NarSize = uint64(narSize.Int64)
	}
	if info.NarHash, err = nixhash.Parse(hash, 0); err != nil {
		return nil, false, fmt.Errorf("invalid hash in database for '%s': %w", path, err)
	}
	if sigs.Valid && sigs.String != "" {
		info.Sigs = strings.Fields(sigs.String)
	}
	if ca.Valid && ca.String != "" {
		if info.CA, err = storepath.ParseContentAddress(ca.String); err != nil {
			return nil, false, fmt.Errorf("invalid ca in database for '%s': %w", path, err)
		}
	}
	refs, err := queryStrings(ctx, q, "select path from Refs join ValidPaths on reference = id where referrer = ?", id)
	if err != nil {
		return nil, false, fmt.Errorf("querying references of '%s': %w", path, err)
	}
	info.References = refs
	return info, true, nil
}

// queryStrings runs a query returning one text column, sorted.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// registerInTx inserts (or updates) the rows of infos in one transaction:
// first every ValidPaths row, then the references (which may point to paths
// registered in the same batch, including themselves). Every reference must
// be valid afterwards. drvOutputs lists DerivationOutputs rows for .drv
// files being registered.
func registerInTx(ctx context.Context, tx *sql.Tx, infos []*PathInfo, drvOutputs map[string]map[string]string) error {
	ids := make(map[string]int64, len(infos))
	for _, info := range infos {
		ultimate := any(nil)
		if info.Ultimate {
			ultimate = 1
		}
		sigs := nullString(strings.Join(info.Sigs, " "))
		var id int64
		err := tx.QueryRowContext(ctx, "select id from ValidPaths where path = ?", info.Path).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx,
				"insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) values (?, ?, ?, ?, ?, ?, ?, ?)",
				info.Path, "sha256:"+info.NarHash.Hex(), info.RegistrationTime.Unix(), nullString(info.Deriver),
				int64(info.NarSize), ultimate, sigs, nullString(info.CA.String()))
			if err != nil {
				return fmt.Errorf("registering '%s': %w", info.Path, err)
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("registering '%s': %w", info.Path, err)
		default:
			if _, err := tx.ExecContext(ctx,
				"update ValidPaths set narSize = ?, hash = ?, ultimate = ?, sigs = ?, ca = ? where path = ?",
				int64(info.NarSize), "sha256:"+info.NarHash.Hex(), ultimate, sigs, nullString(info.CA.String()), info.Path); err != nil {
				return fmt.Errorf("updating '%s': %w", info.Path, err)
			}
			if info.Deriver != "" {
				if _, err := tx.ExecContext(ctx, "update ValidPaths set deriver = ? where path = ? and deriver is null", info.Deriver, info.Path); err != nil {
					return fmt.Errorf("updating '%s': %w", info.Path, err)
				}
			}
		}
		ids[info.Path] = id
	}
	for _, info := range infos {
		for _, ref := range info.References {
			refID, ok := ids[ref]
			if !ok {
				err := tx.QueryRowContext(ctx, "select id from ValidPaths where path = ?", ref).Scan(&refID)
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("cannot register '%s': its reference '%s' is not valid", info.Path, ref)
				}
				if err != nil {
					return err
				}
				ids[ref] = refID
			}
			if _, err := tx.ExecContext(ctx, "insert or replace into Refs (referrer, reference) values (?, ?)", ids[info.Path], refID); err != nil {
				return fmt.Errorf("registering reference %s -> %s: %w", info.Path, ref, err)
			}
		}
	}
	for drv, outs := range drvOutputs {
		id, ok := ids[drv]
		if !ok {
			continue
		}
		names := make([]string, 0, len(outs))
		for n := range outs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if _, err := tx.ExecContext(ctx, "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)", id, n, outs[n]); err != nil {
				return fmt.Errorf("registering output '%s' of '%s': %w", n, drv, err)
			}
		}
	}
	return nil
}

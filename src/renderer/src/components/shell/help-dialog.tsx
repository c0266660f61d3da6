import { SHORTCUTS, type Shortcut } from '../../lib/shortcuts';
import { selectHelpOpen } from '../../stores/ui-store';
import { useStores, useUi } from '../../stores/stores-context';
import { Modal } from '../common/modal';

const GROUPS: Array<Shortcut['group']> = ['Navigate', 'Drive the run', 'Audit'];

/** The `?` overlay: every shortcut, grouped, and what the badges mean. */
export function HelpDialog() {
  const open = useUi(selectHelpOpen);
  const { ui } = useStores();
  return (
    <Modal open={open} onOpenChange={(o) => ui.getState().setHelpOpen(o)} title="Keyboard shortcuts" description="Shortcuts work anywhere except while typing in a field." wide>
      <div className="help-grid">
        {GROUPS.map((g) => (
          <section key={g}>
            <h3 className="section-title">{g}</h3>
            <dl className="help-list">
              {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                <div key={s.key} className="help-row">
                  <dt>
                    <kbd>{s.key === 'Escape' ? 'Esc' : s.key}</kbd>
                  </dt>
                  <dd>{s.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <section>
          <h3 className="section-title">Hash-chain badges</h3>
          <dl className="help-list">
            <div className="help-row">
              <dt><span className="chain verified">✓</span></dt>
              <dd>Verified: the record matches its hash and links to the one before.</dd>
            </div>
            <div className="help-row">
              <dt><span className="chain broken">!</span></dt>
              <dd>Broken: the record was changed, removed or reordered after it was written.</dd>
            </div>
            <div className="help-row">
              <dt><span className="chain unchecked" /></dt>
              <dd>Not checked yet (appended after the last verification).</dd>
            </div>
          </dl>
        </section>
      </div>
    </Modal>
  );
}

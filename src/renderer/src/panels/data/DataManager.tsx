import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { DatasetDetail } from './DatasetDetail'
import { DatasetList } from './DatasetList'
import { ImportPanel } from './ImportPanel'
import './data.css'

/** The Data tab: the import form across the top; every dataset (left) and the selected one's quality report (right). */
export function DataManager() {
  const ws = useWorkstation()
  const count = useSlice(ws.store, (s) => s.datasets?.length)
  return (
    <div className="dm" data-testid="data-manager">
      <ImportPanel />
      <div className="dm-main">
        <div className="dm-left">
          <div className="dm-list-head">
            <h4>Datasets{count !== undefined ? ` (${count})` : ''}</h4>
            <button className="small" onClick={() => void ws.loadDatasets()} data-testid="data-reload" title="List the datasets again">
              Reload
            </button>
          </div>
          <DatasetList />
        </div>
        <div className="dm-right">
          <DatasetDetail />
        </div>
      </div>
    </div>
  )
}

import { fuzzCommands } from './contract-fuzz'

fuzzCommands(1)

/**
 * Files: the safetensors format ({@link org.rnn4j.nd4j.io.SafeTensors}) and PyTorch weight interchange for recurrent
 * layers ({@link org.rnn4j.nd4j.io.PyTorchRnn}). Every write is atomic: a failed save leaves the previous file whole.
 */
package org.rnn4j.nd4j.io;
